#include "AccessibleField.h"

#include <QAccessibleWidget>
#include <QCoreApplication>
#include <QLabel>
#include <QTextDocument>

namespace datarecs {

namespace {

constexpr char kFieldProperty[] = "datarecsAccessibleField";

class FieldLabelAccessible : public QAccessibleWidget
{
public:
    explicit FieldLabelAccessible(QLabel *label) : QAccessibleWidget(label, QAccessible::StaticText) {}

    QString text(QAccessible::Text t) const override
    {
        if (t != QAccessible::Name || !widget()->accessibleName().isEmpty())
            return QAccessibleWidget::text(t);
        const auto *label = static_cast<const QLabel *>(widget());
        QString value = label->text();
        if (label->textFormat() == Qt::RichText ||
            (label->textFormat() == Qt::AutoText && Qt::mightBeRichText(value))) {
            QTextDocument document;
            document.setHtml(value);
            value = document.toPlainText();
        }
        // A second line (an id, a relative time) is read as a pause, not run into the first.
        value = value.split(u'\n', Qt::SkipEmptyParts).join(QStringLiteral(", ")).trimmed();
        const QString field = label->property(kFieldProperty).toString();
        // A text that already says what it is ("Audit log", "Tenant: Acme") is read as it is.
        if (value.isEmpty() || value.startsWith(field, Qt::CaseInsensitive))
            return value.isEmpty() ? field : value;
        return QCoreApplication::translate("datarecs::AccessibleField", "%1: %2").arg(field, value);
    }
};

QAccessibleInterface *fieldLabelFactory(const QString &className, QObject *object)
{
    if (className != u"QLabel" || !object || !object->property(kFieldProperty).isValid())
        return nullptr;
    return new FieldLabelAccessible(static_cast<QLabel *>(object));
}

} // namespace

void setAccessibleField(QLabel *label, const QString &field)
{
    static const bool installed = [] {
        QAccessible::installFactory(fieldLabelFactory);
        return true;
    }();
    Q_UNUSED(installed);
    label->setAccessibleName(QString());
    label->setProperty(kFieldProperty, field);
    // An interface Qt made before the label was marked (setting a text announces a change, which
    // builds one when accessibility is on) would keep reading the text alone: drop whichever one the
    // label has, so the next query goes through the factory.
    QAccessible::deleteAccessibleInterface(
        QAccessible::uniqueId(QAccessible::queryAccessibleInterface(label)));
}

} // namespace datarecs
